// expect: 3:8: error: cannot find import 'neg.other.Nowhere'
package neg;
import neg.other.Nowhere;
interface UnknownImport {
    void f();
}
