// expect: 6:15: error: 'Map' is not supported: stable AIDL has no Map
// expect: 7:15: error: 'CharSequence' is not supported: stable AIDL has no CharSequence
// expect: 8:15: error: 'FileDescriptor' is not supported: use ParcelFileDescriptor
package neg;
interface BuiltinsRefused {
    void a(in Map m);
    void b(in CharSequence c);
    void c(in FileDescriptor f);
}
