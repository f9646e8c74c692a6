// expect: 4:5: error: ParcelableHolder cannot be a return value
package neg;
interface HolderReturn {
    ParcelableHolder get();
}
