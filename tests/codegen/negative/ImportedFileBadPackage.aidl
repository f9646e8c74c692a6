// expect: r/neg/dep/Dep.aidl:1:9: error: package 'neg.dap' does not match the path 'r/neg/dep/Dep.aidl' (expected package 'neg.dep')
// expect: 5:8: error: cannot find import 'neg.dep.Dep'
// expect: 7:15: error: unknown type 'Dep'
package neg;
import neg.dep.Dep;
interface ImportedFileBadPackage {
    void f(in Dep d);
}
//// file: r/neg/dep/Dep.aidl
package neg.dap;
parcelable Dep { int x; }
