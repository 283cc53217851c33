// Package geofence measures where a remote punch came from: points on WGS-84, named
// zones (circles and polygons), accuracy-aware inside/outside/uncertain verdicts, Wi-Fi
// BSSID and IP allow-lists, and spoofing signals. It only measures; the policy in package
// rules decides what a measurement means. It imports the standard library only, reads no
// clock and keeps no global state; every value it returns is immutable or a copy.
//
// # Points and distance
//
// A [Point] is a latitude and longitude in degrees on the WGS-84 ellipsoid.
// [Point.Validate] rejects NaN, infinities and out-of-range values. [Distance] is the
// geodesic (shortest path on the ellipsoid) by Vincenty's inverse method and [Bearing]
// its initial azimuth. Error bound: against GeographicLib (Karney's algorithm) on 2,000
// pairs 10 m to 100 km apart at latitudes -70° to 70° (testdata/geodesic.csv) the worst
// difference is a few micrometres; the tests fail above 1 mm. For nearly antipodal
// points (about 19,900 km and more apart), where Vincenty's iteration does not converge,
// Distance uses a sphere of the mean radius, within 0.5% (0.12% at worst on the 1,000
// nearly antipodal pairs of testdata/geodesic_long.csv).
//
// # Zones
//
// A [Zone] is a named circle (centre and radius in metres, measured as a geodesic) or a
// set of polygons, each an outer ring minus holes. As in GeoJSON, polygon edges are
// straight lines in longitude/latitude; rings may wind either way; a step of more than
// 180° of longitude between two vertices is read as crossing the antimeridian, so a
// polygon across ±180° works without being split. A polygon may not surround a pole or
// span more than 180° of longitude. Containment uses the even-odd rule on the unwrapped
// ring; it agrees with Shapely/GEOS on the 50,000 points of testdata/pip.
//
// Zones are read from their own JSON form ([Zone.UnmarshalJSON], [ParseZones]) or from
// GeoJSON exported by map tools ([ParseGeoJSON]: Polygon, MultiPolygon, and Point with
// a radius property). Errors are [*InputError] values naming the JSON path and byte
// offset of the problem.
//
// # Verdicts
//
// A device reports a fix with a horizontal accuracy r: the true position lies within r
// metres. For a [ZoneSet], d is the signed distance from the fix to the boundary of the
// nearest zone (negative inside; the nearest zone is the one with the smallest d, ties
// to the zone listed first). Then [ZoneSet.Judge] says
//
//  1. Inside when d + r <= 0: the whole accuracy circle is inside that zone;
//  2. Outside when d - r > 0: the whole circle is outside every zone;
//  3. Uncertain otherwise: the circle straddles a boundary.
//
// Zones are judged one at a time, so a circle over the shared edge of two touching
// zones is Uncertain even though their union covers it; make such parcels one polygon.
// Polygon boundary distance: the nearest boundary point is found in a plane tangent
// at the fix (scaled by the ellipsoid's radii of curvature there), then the geodesic to
// that point is measured, so the result is a true distance to a boundary point and
// never too small. The plane may pick a point slightly farther than the nearest; the
// tests bound the excess at 0.01% for fixes up to 30 km away at latitudes 0° to 69°,
// and measure about 1e-6. Circle distances are exact geodesics.
//
// A ZoneSet indexes its zones in a bounding-volume hierarchy of earth-centred (ECEF)
// boxes, each with a hub point and a reach. The search skips a box when a lower bound
// on the distance to anything in it exceeds the best zone found so far: near, the
// chord to the box (never longer than a geodesic); far, the distance to the hub by
// Lambert's long-line formula less a margin, minus the reach (triangle inequality);
// past 17,000 km, the same through the antipode. The indexed answer equals a plain
// scan (tested, including fixes at the sites' antipodes); against 5,000 sites a fix
// costs a few microseconds near them and some tens anywhere on Earth.
//
// # Network evidence
//
// [ParseBSSID] accepts the common spellings of a Wi-Fi access point's MAC address and
// reports where malformed input goes wrong; a [BSSIDSet] is an allow-list that refuses
// placeholder addresses. An [SSIDSet] matches network names, which anyone can copy, so
// [MatchWiFi] grades a network name match below an access point match. An [IPSet] is an
// allow-list of IPv4 and IPv6 CIDR prefixes; IPv4-mapped IPv6 addresses match IPv4
// prefixes.
//
// # Spoofing signals
//
// [Spoofing] compares a [Fix] with the same person's other fixes and returns
// [Signal] values, each with a reason code, a sentence and its figures: impossible
// travel (the least distance moved, after both accuracy circles are allowed for, over
// the time between neighbouring fixes, above [SpoofLimits].MaxSpeed), a mock-location
// flag from the device, implausible accuracy (zero, negative, better than a metre, or
// coordinates with so few decimals they look typed in), and a long jump across an
// offline period. [SpoofLimits] holds the thresholds; its zero value means defaults.
package geofence
