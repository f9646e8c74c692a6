// expect: 6:12: error: oneway method 'g' cannot return a value
// expect: 7:24: error: oneway method 'h' cannot have inout argument 'v'
package neg;
oneway interface OnewayInterfaceMethod {
    void f();
    String g();
    void h(inout int[] v);
}
