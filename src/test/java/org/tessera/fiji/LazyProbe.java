package org.tessera.fiji;

import java.nio.file.Paths;

import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;

/** Child-JVM probe: opens a FITS file with {@link MosaicImage#lazy} and prints "w h c" then the value at each (x, y, c) given. */
public final class LazyProbe {
    public static void main(String[] args) throws Exception {
        RandomAccessibleInterval<FloatType> img = MosaicImage.lazy(Paths.get(args[0]));
        System.out.println(img.dimension(0) + " " + img.dimension(1) + " " + img.dimension(2));
        RandomAccess<FloatType> ra = img.randomAccess();
        for (int i = 1; i + 2 < args.length; i += 3) {
            ra.setPosition(new long[] {Long.parseLong(args[i]), Long.parseLong(args[i + 1]), Long.parseLong(args[i + 2])});
            System.out.println(ra.get().get());
        }
    }
}
