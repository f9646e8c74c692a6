// expect: 9:5: error: generic parcelable 'Pair' takes 2 type arguments, not 1
// expect: 10:5: error: generic parcelable 'Pair' takes 2 type arguments, not 0
// expect: 11:5: error: 'Plain' is not generic and takes no type arguments
// expect: 12:10: error: type argument 'String' of 'Pair' must be a primitive
// expect: 13:10: error: type argument 'int[]' of 'Pair' must be a primitive
// expect: 14:16: error: type argument 'IThing' of 'Pair' must be a primitive
package neg;
parcelable GenericArguments {
    Pair<int> a;
    Pair b;
    Plain<int> c;
    Pair<String, int> d;
    Pair<int[], int> e;
    Pair<byte, IThing> f;
    Pair<byte, Plain>[] ok;
}
//// file: r/neg/Pair.aidl
package neg;
parcelable Pair<A, B> { int n; }
//// file: r/neg/Plain.aidl
package neg;
parcelable Plain { int n; }
//// file: r/neg/IThing.aidl
package neg;
interface IThing { void f(); }
