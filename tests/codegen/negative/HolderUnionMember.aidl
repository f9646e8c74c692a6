// expect: 4:5: error: ParcelableHolder cannot be a union member
package neg;
union HolderUnionMember {
    ParcelableHolder h;
    int i;
}
