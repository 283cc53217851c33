#!/usr/bin/python3
"""Regenerates the point-in-polygon fixtures in pip/ for TestContainsReference.

Reference: Shapely (GEOS) from Debian's python3-shapely (apt-get install python3-shapely),
an implementation independent of ours. Edges are straight lines in longitude/latitude
(as in GeoJSON), so each polygon and its points are mapped to a local equirectangular
plane (an affine map of lon/lat: containment is unchanged, distances come out in metres)
before Shapely classifies them; points within 2 m of an edge (1 m asked, doubled to
cover the plane's scale error) are left out. Coordinates are rounded to 7 decimals before
classifying, so the fixture holds exactly the values that were classified.

The polygons are synthetic but real-shaped (no map data is available offline): a
concave star-shaped plaza, a U-shaped building footprint, a campus with three holes, a
4,000-vertex lake-like outline, and an island-shaped site with a hole that crosses the
antimeridian (written with longitudes in [-180, 180], edges crossing ±180°).

Run: /usr/bin/python3 gen_pip.py   (from any directory; deterministic, seed fixed)
"""
import json
import math
import os
import random

from shapely.geometry import Point, Polygon
from shapely.prepared import prep

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pip")
N_POINTS = 10000
rng = random.Random(20261124)


def r7(v):
    return float("%.7f" % v)


def ring_around(lat0, lon0, radius_m, radii):
    """A ring of len(radii) vertices at the given relative radii around (lat0, lon0)."""
    n = len(radii)
    out = []
    for i, rr in enumerate(radii):
        t = 2 * math.pi * i / n
        dy = radius_m * rr * math.sin(t)
        dx = radius_m * rr * math.cos(t)
        lat = lat0 + dy / 111132.0
        lon = lon0 + dx / (111320.0 * math.cos(math.radians(lat0)))
        out.append((r7(lon), r7(lat)))  # lon may exceed 180 here (unwrapped)
    return out


def star():
    radii = [1.0 if i % 2 == 0 else 0.45 for i in range(14)]
    return "star-plaza", 52.5163, 13.3777, [ring_around(52.5163, 13.3777, 400, radii)]


def u_shape():
    # A U-shaped footprint, 300 m x 240 m with a 120 m wide courtyard open to the north.
    lat0, lon0 = 48.8606, 2.3376
    pts_m = [(0, 0), (300, 0), (300, 240), (210, 240), (210, 80), (90, 80), (90, 240), (0, 240)]
    ring = []
    for x, y in pts_m:
        ring.append((r7(lon0 + x / (111320.0 * math.cos(math.radians(lat0)))), r7(lat0 + y / 111132.0)))
    return "u-building", lat0, lon0, [ring]


def campus():
    lat0, lon0 = 35.6586, 139.7454
    outer = ring_around(lat0, lon0, 900, [1 + 0.25 * math.sin(3 * 2 * math.pi * i / 60) for i in range(60)])
    holes = []
    for dlat, dlon, rad in [(0.0025, 0.0, 150), (-0.002, 0.003, 120), (-0.001, -0.004, 100)]:
        holes.append(ring_around(lat0 + dlat, lon0 + dlon, rad, [1 + 0.2 * math.cos(2 * 2 * math.pi * i / 24) for i in range(24)]))
    return "campus-holes", lat0, lon0, [outer] + holes


def lake():
    lat0, lon0 = 61.4978, 23.7610  # high latitude
    n = 4000
    ph = [rng.uniform(0, 2 * math.pi) for _ in range(6)]
    radii = []
    for i in range(n):
        t = 2 * math.pi * i / n
        r = 1 + 0.35 * math.sin(3 * t + ph[0]) + 0.18 * math.sin(7 * t + ph[1]) + 0.08 * math.sin(19 * t + ph[2]) \
            + 0.04 * math.sin(61 * t + ph[3]) + 0.02 * math.sin(211 * t + ph[4]) + 0.01 * math.sin(997 * t + ph[5])
        radii.append(r)
    return "lake-4000", lat0, lon0, [ring_around(lat0, lon0, 5000, radii)]


def fiji():
    lat0, lon0 = -16.80, 179.95
    outer = ring_around(lat0, lon0, 12000, [1 + 0.3 * math.sin(5 * 2 * math.pi * i / 200) + 0.1 * math.cos(13 * 2 * math.pi * i / 200) for i in range(200)])
    hole = ring_around(lat0 + 0.01, lon0 + 0.02, 2500, [1 + 0.3 * math.sin(2 * math.pi * i / 40 * 3) for i in range(40)])
    return "antimeridian-island", lat0, lon0, [outer, hole]


def norm_lon(lon):
    return r7((lon + 180) % 360 - 180)


def main():
    os.makedirs(HERE, exist_ok=True)
    features = []
    for name, lat0, lon0, rings in [star(), u_shape(), campus(), lake(), fiji()]:
        kx = 111320.0 * math.cos(math.radians(lat0))
        ky = 111132.0

        def plane(lon, lat):
            return ((lon - lon0) * kx, (lat - lat0) * ky)

        poly = Polygon([plane(*p) for p in rings[0]], [[plane(*p) for p in h] for h in rings[1:]])
        assert poly.is_valid, name
        ppoly = prep(poly)
        boundary = poly.boundary
        lons = [p[0] for p in rings[0]]
        lats = [p[1] for p in rings[0]]
        mlon, mlat = (max(lons) - min(lons)) * 0.1, (max(lats) - min(lats)) * 0.1
        rows = []
        inside_count = 0
        while len(rows) < N_POINTS:
            lat = r7(rng.uniform(min(lats) - mlat, max(lats) + mlat))
            lon = r7(rng.uniform(min(lons) - mlon, max(lons) + mlon))
            q = Point(plane(lon, lat))
            if boundary.distance(q) < 2.0:
                continue
            inside = ppoly.contains(q)
            inside_count += inside
            rows.append("%.7f,%.7f,%d" % (lat, norm_lon(lon), inside))
        with open(os.path.join(HERE, name + ".csv"), "w") as f:
            f.write("# lat,lon,inside — classified by Shapely %s (GEOS); see ../gen_pip.py\n" % __import__("shapely").__version__)
            f.write("\n".join(rows) + "\n")
        coords = [[[norm_lon(lon), lat] for lon, lat in r + r[:1]] for r in rings]
        features.append({"type": "Feature", "properties": {"name": name},
                         "geometry": {"type": "Polygon", "coordinates": coords}})
        print(name, sum(len(r) for r in rings), "vertices,", inside_count, "of", N_POINTS, "inside")
    with open(os.path.join(HERE, "polygons.geojson"), "w") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f, separators=(",", ":"))
        f.write("\n")


main()
