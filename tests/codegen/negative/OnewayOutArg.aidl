// expect: 5:25: error: oneway method 'f' cannot have out argument 'p'
package neg;
interface OnewayOutArg {
    parcelable P { int x; }
    oneway void f(out P p);
}
