// expect: 5:9: error: duplicate field 'K' in 'DuplicateConstAndField' (previous constant
package neg;
parcelable DuplicateConstAndField {
    const int K = 1;
    int K;
}
