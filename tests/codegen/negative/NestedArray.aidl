// expect: 4:5: error: nested arrays are not supported: 'int[][]'
package neg;
parcelable NestedArray {
    int[][] grid;
}
