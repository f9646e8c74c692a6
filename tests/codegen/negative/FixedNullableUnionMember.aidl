// expect: 4:15: error: fixed-size array 'int[2]' as a @nullable union member is not supported yet
package neg;
union FixedNullableUnionMember {
    @nullable int[2] pair;
    long other;
}
