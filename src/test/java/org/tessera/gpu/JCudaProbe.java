package org.tessera.gpu;

/** Opens device 0 in a JVM of its own (JCuda's natives load once per JVM) and prints the verdict. */
public final class JCudaProbe {
    private JCudaProbe() {}

    public static void main(String[] args) {
        try (JCudaDevice d = JCudaDevice.open(0)) {
            System.out.println("OPEN " + d.describe());
        } catch (GpuException e) {
            System.out.println("FAIL " + e.getMessage());
        }
    }
}
