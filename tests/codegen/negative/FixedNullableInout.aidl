// expect: 4:28: error: fixed-size array 'int[2]' as a @nullable inout argument is not supported yet
package neg;
interface FixedNullableInout {
    void f(inout @nullable int[2] a);
}
