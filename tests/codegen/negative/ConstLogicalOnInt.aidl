// expect: 4:25: error: logical operator needs booleans, not integer and integer
package neg;
interface ConstLogicalOnInt {
    const boolean B = 1 && 2;
}
