// expect: 3:11: error: type 'SomethingElse' must be declared in a file named SomethingElse.aidl
package neg;
interface SomethingElse {
    void f();
}
