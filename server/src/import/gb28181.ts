/**
 * GB/T 28181 device codes (国标编码): 20 digits. 1–8 the centre code, whose first 6 digits are the GB/T 2260
 * administrative division; 9–10 the industry; 11–13 the device type; 14 the network; 15–20 a sequence number.
 * Pure: no database. The importer stores the decoded fields on cameras and refuses codes that are not cameras.
 */

export const GB_INDUSTRIES: Readonly<Record<string, string>> = {
  '00': '社会治安路面接入',
  '01': '社会治安社区接入',
  '02': '社会治安内部接入',
  '03': '社会治安其他接入',
  '04': '交通路面接入',
  '05': '交通卡口接入',
  '06': '交通内部接入',
  '07': '交通其他接入',
  '08': '城市管理接入',
  '09': '卫生环保接入',
  '10': '商检海关接入',
  '11': '教育部门接入',
};

/** Device types that are cameras: the only ones the camera layer takes. */
export const GB_CAMERA_TYPES: Readonly<Record<string, string>> = { '131': '摄像机', '132': '网络摄像机' };

/** Other device and platform types named in the standard, so a refusal can say what the code is instead. */
const GB_OTHER_TYPES: Readonly<Record<string, string>> = {
  '111': 'DVR',
  '112': '视频服务器',
  '113': '编码器',
  '114': '解码器',
  '115': '视频切换矩阵',
  '116': '音频切换矩阵',
  '117': '报警控制器',
  '118': 'NVR',
  '133': '显示器',
  '134': '报警输入设备',
  '135': '报警输出设备',
  '136': '语音输入设备',
  '137': '语音输出设备',
  '138': '移动传输设备',
  '200': '中心信令控制服务器',
  '215': '业务分组',
  '216': '虚拟组织',
};

export function networkName(digit: string): string | undefined {
  const d = Number(digit);
  if (!/^[0-9]$/.test(digit)) return undefined;
  if (d <= 4) return '监控报警专网';
  return ({ 5: '公安信息网', 6: '政务网', 7: 'Internet网', 8: '社会资源接入网' } as Record<number, string>)[d];
}

export interface GbCode {
  code: string;
  centre: string;
  /** GB/T 2260 division: the first 6 digits. */
  division: string;
  /** The division as a 12-digit code (zero-padded), the form `district_code` takes. */
  districtCode: string;
  industry: string;
  industryName: string | undefined;
  type: string;
  typeName: string | undefined;
  network: string;
  networkName: string | undefined;
  sequence: string;
}

export type GbDecode = { ok: true; value: GbCode } | { ok: false; reason: string };

/** Decodes a GB/T 28181 code; `camera` refuses device types other than 131/132 with the reason. */
export function decodeGbCode(text: string, opts: { camera?: boolean } = {}): GbDecode {
  const code = text.trim();
  if (!/^[0-9]{20}$/.test(code)) return { ok: false, reason: `not 20 digits: "${code.slice(0, 30)}"` };
  const division = code.slice(0, 6);
  const province = Number(division.slice(0, 2));
  if (province < 11 || province > 82)
    return { ok: false, reason: `digits 1–2 "${division.slice(0, 2)}" are no GB/T 2260 province` };
  const industry = code.slice(8, 10);
  const type = code.slice(10, 13);
  const network = code.slice(13, 14);
  const typeName = GB_CAMERA_TYPES[type] ?? GB_OTHER_TYPES[type];
  if (opts.camera && !GB_CAMERA_TYPES[type])
    return {
      ok: false,
      reason: `device type ${type}${typeName ? ` (${typeName})` : ''} is not a camera (131 摄像机 or 132 网络摄像机)`,
    };
  const net = networkName(network);
  if (!net) return { ok: false, reason: `network digit ${network} is not 0–8` };
  return {
    ok: true,
    value: {
      code,
      centre: code.slice(0, 8),
      division,
      districtCode: `${division}000000`,
      industry,
      industryName: GB_INDUSTRIES[industry],
      type,
      typeName,
      network,
      networkName: net,
      sequence: code.slice(14),
    },
  };
}
