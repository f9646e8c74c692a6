package test.rt;

/** A @VintfStability parcelable, for VintfExtendable. */
@VintfStability
parcelable VintfNote {
    String text;
}
