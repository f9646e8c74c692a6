// expect: 4:15: error: unknown type 'Other'
package neg;
interface CrossPackageNeedsImport {
    void f(in Other o);
}
//// file: r/elsewhere/Other.aidl
package elsewhere;
parcelable Other { int x; }
