// expect: 6:5: error: ParcelableHolder cannot be the element of an array or List
// expect: 7:5: error: ParcelableHolder cannot be the element of an array or List
// expect: 8:5: error: ParcelableHolder cannot be the element of an array or List
package neg;
parcelable HolderArray {
    ParcelableHolder[] a;
    List<ParcelableHolder> l;
    ParcelableHolder[2] f;
}
