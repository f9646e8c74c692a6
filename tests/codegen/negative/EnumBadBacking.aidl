// expect: 3:1: error: invalid @Backing type 'short'
package neg;
@Backing(type="short")
enum EnumBadBacking { A }
