import type { CameraOptics } from '../../engines/coverage/dori.js';
import type { DoriBand } from '../../engines/coverage/dori.js';
import type { Queryable } from '../client.js';

/** What image quality needs of every camera, by id (issue #20 columns, migration 016). */
export async function loadCameraOptics(db: Queryable): Promise<Map<number, CameraOptics>> {
  const rows = await db.query<{
    id: number;
    camera_type: CameraOptics['cameraType'];
    fov_deg: number;
    range_m: number;
    height_m: number;
    tilt_deg: number;
    resolution: string | null;
    lens_fov_deg: number | null;
    focal_length_mm: number | null;
    sensor_width_mm: number | null;
  }>(
    `SELECT id, camera_type, fov_deg, range_m, height_m, tilt_deg, resolution, lens_fov_deg, focal_length_mm,
            sensor_width_mm FROM camera`,
  );
  return new Map(
    rows.map((r) => [
      Number(r.id),
      {
        cameraType: r.camera_type,
        fovDeg: r.fov_deg,
        rangeM: r.range_m,
        heightM: r.height_m,
        tiltDeg: r.tilt_deg,
        resolution: r.resolution,
        lensFovDeg: r.lens_fov_deg,
        focalLengthMm: r.focal_length_mm,
        sensorWidthMm: r.sensor_width_mm,
      },
    ]),
  );
}

/** Key places' own required band (null: by kind) and one-key alarm flag, by id. */
export async function loadPlaceQuality(
  db: Queryable,
): Promise<Map<number, { requiredBand: DoriBand | null; oneKeyAlarm: boolean }>> {
  const rows = await db.query<{ id: number; required_band: DoriBand | null; one_key_alarm: boolean }>(
    'SELECT id, required_band, one_key_alarm FROM key_place',
  );
  return new Map(rows.map((r) => [Number(r.id), { requiredBand: r.required_band, oneKeyAlarm: r.one_key_alarm }]));
}
