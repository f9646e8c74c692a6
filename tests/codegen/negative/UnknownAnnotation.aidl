// expect: 4:1: warning: unknown annotation @JavaDerives ignored
// expect: 6:5: warning: unknown annotation @Hide ignored
package neg;
@JavaDerives(toString=true)
parcelable UnknownAnnotation {
    @Hide int x;
    @nullable(heap=true) UnknownAnnotation next;
}
