// expect: 4:16: error: oneway method 'f' cannot return a value
package neg;
interface OnewayReturn {
    oneway int f();
}
