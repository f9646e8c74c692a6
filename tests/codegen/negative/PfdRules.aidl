// expect: 7:37: error: 'out' is not allowed on argument 'f' of type ParcelFileDescriptor
// expect: 8:39: error: 'out' is not allowed on argument 'g' of type ParcelFileDescriptor
// expect: 7:16: error: ParcelFileDescriptor is not supported yet
// expect: 8:16: error: ParcelFileDescriptor is not supported yet
package neg;
interface PfdRules {
    void a(out ParcelFileDescriptor f);
    void b(out ParcelFileDescriptor[] g);
}
