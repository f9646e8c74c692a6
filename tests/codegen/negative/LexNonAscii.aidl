// expect: 4:12: error: unexpected character 0xc3
package neg;
parcelable LexNonAscii {
    int café;
}
