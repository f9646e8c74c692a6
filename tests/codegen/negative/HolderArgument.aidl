// expect: 4:17: error: ParcelableHolder cannot be an argument
package neg;
interface HolderArgument {
    void put(in ParcelableHolder h);
}
