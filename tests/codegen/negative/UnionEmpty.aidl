// expect: 3:7: error: union 'UnionEmpty' has no members
package neg;
union UnionEmpty { const int K = 1; }
