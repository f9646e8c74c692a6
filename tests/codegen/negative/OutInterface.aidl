// expect: 4:29: error: 'out' is not allowed on argument 'i' of interface type 'OutInterface'
package neg;
interface OutInterface {
    void f(out OutInterface i);
}
