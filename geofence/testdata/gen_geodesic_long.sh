#!/bin/sh
# Regenerates geodesic_long.csv: reference geodesics at every range, for the tests of
# the nearly antipodal fallback of Distance and of the lower bounds the zone index uses.
# Needs GeographicLib's GeodSolve (Debian/Ubuntu: apt-get install geographiclib-tools).
# A third of the pairs are uniform over the sphere, a third within 30° of each other, a
# third within 2° of each other's antipode. Deterministic: awk's generator, fixed seed.
set -eu
cd "$(dirname "$0")"
n=${1:-3000}
awk -v n="$n" 'BEGIN {
	srand(20261125)
	pi = atan2(0, -1)
	for (i = 0; i < n; i++) {
		lat1 = -89 + 178 * rand(); lon1 = -180 + 360 * rand()
		k = i % 3
		if (k == 0) { lat2 = -89 + 178 * rand(); lon2 = -180 + 360 * rand() }
		else if (k == 1) { lat2 = lat1 + 60 * (rand() - 0.5); lon2 = lon1 + 60 * (rand() - 0.5) }
		else { lat2 = -lat1 + 4 * (rand() - 0.5); lon2 = lon1 + 180 + 4 * (rand() - 0.5) }
		if (lat2 > 89) lat2 = 89; if (lat2 < -89) lat2 = -89
		while (lon2 >= 180) lon2 -= 360; while (lon2 < -180) lon2 += 360
		printf "%.9f %.9f %.9f %.9f\n", lat1, lon1, lat2, lon2
	}
}' >/tmp/geod_long.$$
{
	echo "# lat1,lon1,lat2,lon2,s12_m — WGS-84 geodesics at every range from GeographicLib GeodSolve -i ($(GeodSolve --version | head -1)); regenerate with gen_geodesic_long.sh"
	GeodSolve -i -f -p 6 </tmp/geod_long.$$ | awk '{ printf "%s,%s,%s,%s,%s\n", $1, $2, $4, $5, $7 }'
} >geodesic_long.csv
rm -f /tmp/geod_long.$$
