// expect: elsewhere/DuplicateTypeAcrossFiles.aidl:2:12: error: duplicate type 'neg.DuplicateTypeAcrossFiles' (first declared at r/neg/DuplicateTypeAcrossFiles.aidl:3:12)
package neg;
parcelable DuplicateTypeAcrossFiles { int a; }
//// main: elsewhere/DuplicateTypeAcrossFiles.aidl
package neg;
parcelable DuplicateTypeAcrossFiles { int b; }
