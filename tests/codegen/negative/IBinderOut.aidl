// expect: 4:26: error: 'out' is not allowed on argument 'b' of interface type 'IBinder'
package neg;
interface IBinderOut {
    void get(out IBinder b);
}
