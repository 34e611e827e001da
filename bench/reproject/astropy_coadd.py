#!/usr/bin/python3
"""astropy's reproject_and_coadd (reproject_interp, or reproject_exact when ORDER is 'exact') onto
the grid of a .head file: the peer run by bench/reproject/run.sh.
Usage: astropy_coadd.py GRID.head OUT.fits ORDER FILE..."""
import sys

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS
from reproject import reproject_exact, reproject_interp
from reproject.mosaicking import reproject_and_coadd

head, out, order, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
hdr = fits.Header.fromtextfile(head)
wcs = WCS(hdr)
shape = (hdr['NAXIS2'], hdr['NAXIS1'])
inputs = []
for f in files:
    with fits.open(f) as h:
        inputs.append((h[0].data.astype(np.float32), WCS(h[0].header)))
if order == 'exact':
    mosaic, footprint = reproject_and_coadd(inputs, wcs, shape_out=shape, reproject_function=reproject_exact,
                                            combine_function='mean', match_background=False)
else:
    mosaic, footprint = reproject_and_coadd(inputs, wcs, shape_out=shape, reproject_function=reproject_interp,
                                            order=order, combine_function='mean', match_background=False)
fits.PrimaryHDU(mosaic.astype(np.float32), header=wcs.to_header()).writeto(out, overwrite=True)
print('astropy: %d tiles -> %dx%d' % (len(files), shape[1], shape[0]))
