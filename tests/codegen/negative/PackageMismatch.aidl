// expect: 2:9: error: package 'neg.wrong' does not match the path 'r/neg/PackageMismatch.aidl' (expected package 'neg')
package neg.wrong;
interface PackageMismatch {
    void f();
}
