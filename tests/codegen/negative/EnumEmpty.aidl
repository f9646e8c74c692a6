// expect: 3:6: error: enum 'EnumEmpty' has no enumerators
package neg;
enum EnumEmpty {}
