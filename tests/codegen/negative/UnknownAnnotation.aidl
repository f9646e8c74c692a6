// expect: 4:1: warning: unknown annotation @JavaDerive ignored
// expect: 6:5: warning: unknown annotation @Hide ignored
package neg;
@JavaDerive(toString=true)
parcelable UnknownAnnotation {
    @Hide int x;
    @nullable(heap=true) UnknownAnnotation next;
}
