package test.rt;

/*
 * A @SensitiveData interface: the buffers of its calls are zeroed after use.
 * zeroedBuffers() reports how many the serving process has zeroed so far.
 */
@SensitiveData
interface ISecret {
    byte[] reverse(in byte[] key);
    long zeroedBuffers();
}
