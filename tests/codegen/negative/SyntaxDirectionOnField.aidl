// expect: 4:5: error: direction 'inout' is only allowed on method arguments
package neg;
parcelable SyntaxDirectionOnField {
    inout int x;
}
