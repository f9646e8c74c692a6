// expect: 3:1: error: @Backing is only allowed on enums
package neg;
@Backing(type="int")
parcelable BackingOnParcelable { int x; }
