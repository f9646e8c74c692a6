// expect: 4:15: error: ParcelableHolder cannot be @nullable
package neg;
parcelable HolderNullable {
    @nullable ParcelableHolder h;
}
