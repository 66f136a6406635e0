import { describe, expect, it } from 'vitest';
import { decodeGbCode } from './gb28181.js';

/** Hand-written codes, one per field, decoded by reading the standard's digit positions off the string. */
describe('GB/T 28181 device codes', () => {
  it('when a network camera of Nanjing Xuanwu on the police network is decoded, then every field is read from its digits', () => {
    // 320102 (南京市玄武区) 00 | 00 社会治安路面 | 132 网络摄像机 | 5 公安信息网 | 000123
    const d = decodeGbCode('32010200001325000123', { camera: true });
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value).toMatchObject({
      centre: '32010200',
      division: '320102',
      districtCode: '320102000000',
      industry: '00',
      industryName: '社会治安路面接入',
      type: '132',
      typeName: '网络摄像机',
      network: '5',
      networkName: '公安信息网',
      sequence: '000123',
    });
  });

  it('when the network digit is 0–4, 6, 7 or 8, then it names the private network, government, Internet or social resources', () => {
    const net = (n: string) => {
      const d = decodeGbCode(`1101050008131${n}000001`, { camera: true });
      return d.ok ? [d.value.type, d.value.industry, d.value.networkName] : d.reason;
    };
    expect(net('1')).toEqual(['131', '08', '监控报警专网']);
    expect(net('6')).toEqual(['131', '08', '政务网']);
    expect(net('7')).toEqual(['131', '08', 'Internet网']);
    expect(net('8')).toEqual(['131', '08', '社会资源接入网']);
    expect(net('9')).toMatch(/network digit 9/);
  });

  it('when the code is not a camera, too short, or not of a province, then the camera layer refuses it with the reason', () => {
    const nvr = decodeGbCode('32010200001185000001', { camera: true });
    expect(nvr.ok).toBe(false);
    if (!nvr.ok) expect(nvr.reason).toBe('device type 118 (NVR) is not a camera (131 摄像机 or 132 网络摄像机)');
    expect(decodeGbCode('32010200001185000001').ok, 'without the camera rule an NVR code decodes').toBe(true);
    const short = decodeGbCode('3201020000132500012', { camera: true });
    expect(!short.ok && short.reason).toMatch(/not 20 digits/);
    const letters = decodeGbCode('3201020000132500012X', { camera: true });
    expect(letters.ok).toBe(false);
    const province = decodeGbCode('99010200001325000123', { camera: true });
    expect(!province.ok && province.reason).toMatch(/no GB\/T 2260 province/);
  });
});
