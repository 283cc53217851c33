// Package geofence measures where a remote punch came from: points on WGS-84, named
// zones (circles and polygons), accuracy-aware inside/outside/uncertain verdicts, Wi-Fi
// BSSID and IP allow-lists, and spoofing signals. It only measures; the policy in package
// rules decides what a measurement means. It imports the standard library only.
package geofence
