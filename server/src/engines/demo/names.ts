/** Chinese names for the demo city: streets, communities, townships, stations, people. */
export const ARTERIAL_NAMES_EW = ['北京东路', '珠江路', '长江路', '中山东路', '汉中路'] as const;
export const ARTERIAL_NAMES_NS = ['中山路', '太平北路', '洪武路', '龙蟠中路', '丹凤街', '进香河路', '碑亭巷'] as const;
export const STREET_NAMES = [
  '成贤街', '同仁街', '吉兆营', '网巾市', '估衣廊', '杨将军巷', '红庙', '延龄巷', '糖坊桥', '青石街', '文昌巷',
  '四条巷', '三条巷', '二条巷', '游府西街', '慧园街', '锦绣里', '梅园路', '东箭道', '竺桥', '浮桥', '太平巷',
  '黄埔路', '逸仙桥', '蓝旗街', '卫巷', '大悲巷', '鸡鸣寺路', '唱经楼', '丰富路', '户部街', '明瓦廊', '石鼓路',
] as const;
export const TOWNSHIP_NAMES = ['新街口街道', '梅园新村街道', '玄武门街道', '锁金村街道'] as const;
export const COMMUNITY_STEMS = [
  '长江', '逸仙', '丹凤', '珠江', '成贤', '太平', '兰园', '北门桥', '龙蟠', '碑亭', '竺桥', '大行宫', '香铺营',
  '梅园', '汉府', '洪武', '文昌', '锦华', '严家桥', '武庙', '台城', '鸡鸣寺', '同仁', '红山', '玄武湖', '童卫',
  '月苑', '锁金', '南京站', '板仓', '樱驼', '蓝旗', '四牌楼', '后宰门', '东箭道', '估衣廊',
] as const;
export const STATION_NAMES = ['新街口派出所', '梅园派出所', '玄武门派出所', '锁金村派出所', '后宰门派出所', '孝陵卫派出所'] as const;
export const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗'] as const;
export const GIVEN = ['芳', '伟', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀兰', '霞', '平', '刚', '桂英'] as const;
export const SCHOOL_NAMES = ['逸仙小学', '长江路小学', '玄武外国语学校', '南京市第九中学', '兰园小学', '梅园中学', '北京东路小学', '太平巷小学', '进香河中学', '成贤街小学', '珠江路小学', '丹凤街中学', '洪武北路小学', '同仁中学'] as const;
export const KINDERGARTEN_NAMES = ['鼓楼幼儿园分园', '梅园幼儿园', '锁金幼儿园', '小红花幼儿园', '童心幼儿园', '太平幼儿园', '兰园幼儿园', '蓝天幼儿园', '丹凤幼儿园', '长江幼儿园'] as const;
export const HOSPITAL_NAMES = ['玄武区人民医院', '东南大学附属中大医院分院', '玄武区妇幼保健院', '梅园社区卫生服务中心', '长江路中医院'] as const;
export const MARKET_NAMES = ['丹凤街农贸市场', '珠江路电子市场', '湖南路商业街', '太平商场', '锁金村菜场', '估衣廊菜场', '新街口百货', '北门桥市场', '成贤街夜市', '洪武路小商品市场'] as const;
export const TRANSIT_NAMES = ['珠江路地铁站', '鸡鸣寺地铁站', '大行宫地铁站', '玄武门公交枢纽', '南京站东广场'] as const;
export const GOVERNMENT_NAMES = ['玄武区人民政府', '新街口街道办事处', '梅园新村街道办事处', '玄武门街道办事处', '锁金村街道办事处', '区市场监管局'] as const;
export const BANK_NAMES = ['工商银行珠江路支行', '建设银行长江路支行', '农业银行太平北路支行', '中国银行洪武路支行', '交通银行中山路支行', '招商银行北京东路支行', '南京银行丹凤街支行', '邮储银行成贤街支行', '兴业银行碑亭巷支行', '浦发银行汉中路支行'] as const;
/** Incident categories (警情类别) with their share of calls and severity range. */
export const INCIDENT_CATEGORIES = [
  { name: '纠纷', share: 0.24, severity: [1, 2] },
  { name: '盗窃', share: 0.18, severity: [1, 3] },
  { name: '交通事故', share: 0.16, severity: [1, 3] },
  { name: '治安案件', share: 0.12, severity: [2, 3] },
  { name: '诈骗', share: 0.1, severity: [2, 3] },
  { name: '扰乱秩序', share: 0.1, severity: [1, 2] },
  { name: '入室盗窃', share: 0.05, severity: [2, 4] },
  { name: '抢劫抢夺', share: 0.02, severity: [3, 4] },
  { name: '其他', share: 0.03, severity: [1, 2] },
] as const;
