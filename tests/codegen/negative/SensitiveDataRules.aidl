// expect: r/neg/ISensitive.aidl:3:5: error: @SensitiveData is only allowed on interfaces
package neg;
@SensitiveData
interface SensitiveDataRules {
    @EnforcePermission("X") void f();
    @PropagateAllowBlocking ISensitive g();
}
//// main: r/neg/ISensitive.aidl
package neg;
parcelable ISensitive {
    @SensitiveData int x;
}
