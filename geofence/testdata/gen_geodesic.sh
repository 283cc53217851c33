#!/bin/sh
# Regenerates geodesic.csv, the reference distances for TestDistanceReference.
# Needs GeographicLib's GeodSolve (Debian/Ubuntu: apt-get install geographiclib-tools).
# Pairs: first point at latitude -70..70, any longitude; distance log-uniform 10 m..100 km
# in a random direction (GeodSolve direct), then the reference distance and azimuth of
# the pair as written (rounded to 1e-9 degrees) from GeodSolve -i (Karney's algorithm).
# Deterministic: awk's generator with a fixed seed.
set -eu
cd "$(dirname "$0")"
n=${1:-2000}
awk -v n="$n" 'BEGIN {
	srand(20261124)
	for (i = 0; i < n; i++) {
		lat = -70 + 140 * rand(); lon = -180 + 360 * rand()
		azi = -180 + 360 * rand(); s = exp(log(10) + (log(100000) - log(10)) * rand())
		printf "%.9f %.9f %.9f %.6f\n", lat, lon, azi, s
	}
}' >/tmp/geod_in.$$
GeodSolve -p 9 </tmp/geod_in.$$ | paste -d' ' /tmp/geod_in.$$ - |
	awk '{ printf "%.9f %.9f %.9f %.9f\n", $1, $2, $5, $6 }' >/tmp/geod_pairs.$$
{
	echo "# lat1,lon1,lat2,lon2,s12_m,azi1_deg — WGS-84 geodesics from GeographicLib GeodSolve -i ($(GeodSolve --version | head -1)); regenerate with gen_geodesic.sh"
	GeodSolve -i -f -p 6 </tmp/geod_pairs.$$ | awk '{ printf "%s,%s,%s,%s,%s,%s\n", $1, $2, $4, $5, $7, $3 }'
} >geodesic.csv
rm -f /tmp/geod_in.$$ /tmp/geod_pairs.$$
