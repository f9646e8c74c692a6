// expect: 4:15: error: List<int> is not supported, use int[]
package neg;
interface ListOfPrimitive {
    void f(in List<int> l);
}
