// expect: 7:37: error: 'out' is not allowed on argument 'f' of type ParcelFileDescriptor
// expect: 8:39: error: 'out' is not allowed on argument 'g' of type ParcelFileDescriptor
// in, inout, returns, fields, union members, arrays and @nullable are
// allowed: see tests/codegen/idl/test/rt (ITester, Fds, FdOrInt).
package neg;
interface PfdRules {
    void a(out ParcelFileDescriptor f);
    void b(out ParcelFileDescriptor[] g);
}
