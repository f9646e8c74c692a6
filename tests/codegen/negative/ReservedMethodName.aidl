// expect: 4:9: error: method name 'getInterfaceVersion' is reserved
package neg;
interface ReservedMethodName {
    int getInterfaceVersion();
}
