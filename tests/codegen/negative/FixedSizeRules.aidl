// expect: 8:12: error: field 's' of @FixedSize 'FixedSizeRules' has no fixed size: 'String'
// expect: 9:11: error: field 'v' of @FixedSize 'FixedSizeRules' has no fixed size: 'int[]'
// expect: 10:11: error: field 'l' of @FixedSize 'FixedSizeRules' has no fixed size: 'Loose'
// expect: 14:5: error: @FixedSize is only allowed on parcelables and unions
package neg;
@FixedSize
parcelable FixedSizeRules {
    String s;
    int[] v;
    Loose l;
    int[4] ok;
    Tight t;
    @JavaDerive(toString=true) @RustDerive(Clone=true) @Descriptor(value="x") long n;
    @FixedSize enum Wrong { A }
}
//// file: r/neg/Loose.aidl
package neg;
parcelable Loose { int a; }
//// file: r/neg/Tight.aidl
package neg;
@FixedSize union Tight { int a; long b; }
