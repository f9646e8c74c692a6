package test.rt;

/** A @VintfStability holder: it holds @VintfStability parcelables only. */
@VintfStability
parcelable VintfExtendable {
    ParcelableHolder ext;
}
