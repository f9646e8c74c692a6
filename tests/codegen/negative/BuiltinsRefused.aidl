// expect: 7:15: error: 'Map' is not supported: stable AIDL has no Map
// expect: 8:15: error: 'CharSequence' is not supported: stable AIDL has no CharSequence
// expect: 9:15: error: 'FileDescriptor' is not supported: use ParcelFileDescriptor
// expect: 10:15: error: 'IBinder' is not supported: use a typed interface
package neg;
interface BuiltinsRefused {
    void a(in Map m);
    void b(in CharSequence c);
    void c(in FileDescriptor f);
    void d(in IBinder b);
}
