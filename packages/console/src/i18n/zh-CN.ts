import type { Messages } from './en';
import { adminZhCN } from './messages/admin.zh-CN';
import { peerManagerZhCN } from './messages/peer-manager.zh-CN';
import { vpcZhCN } from './messages/vpc.zh-CN';

/** 简体中文. Keys as in en.ts; the Peer Manager's terms (action.*, term.*) are fixed: reuse them. */
export const zhCN: Messages = {
  'app.name': 'Peerlink',
  'app.console': '控制台',
  'app.loading': '正在加载…',
  'app.skipToContent': '跳到主要内容',

  'language.label': '语言',

  'nav.label': '主导航',
  'nav.peerManager': '对等管理',
  'nav.network': '网络',
  'nav.policies': '策略',
  'nav.spaces': '空间',
  'nav.data': '数据',
  'nav.vpcPeering': 'VPC 对等连接',
  'nav.settings': '设置',

  'user.signedInAs': '当前用户：{username}',
  'user.admin': '管理员',

  'auth.title': '登录 Peerlink',
  'auth.intro': '使用你的 Peerlink 用户登录。第一个管理员是 “admin”，其密码在服务器首次启动时打印。',
  'auth.username': '用户名',
  'auth.password': '密码',
  'auth.login': '登录',
  'auth.loggingIn': '正在登录…',
  'auth.logout': '退出登录',
  'auth.sessionEnded': '会话已结束，请重新登录以继续。',
  'auth.missingFields': '请输入用户名和密码。',

  'action.createPeerRequest': '创建对等请求',
  'action.copyInviteCode': '复制邀请码',
  'action.enterInviteCode': '输入邀请码',
  'action.setSecurity': '设置安全',
  'action.approveRequest': '批准请求',
  'action.activate': '激活',
  'action.retry': '重试',
  'term.peerConnections': '对等连接',
  'term.networkConnections': '网络连接',
  'term.policies': '策略',
  'term.spaces': '空间',
  'term.platformTitle': '平台名称',
  'term.enrollmentId': '注册 ID',

  'common.close': '关闭',
  'common.comingSoon': '此页面正在开发中。',
  'common.cliMeanwhile': '在此之前，可以使用命令行：',

  'page.peerManager.intro': '对等请求，以及你的空间与其他 Peerlink 部署之间的对等连接。',
  'page.peerManager.empty.title': '还没有对等连接',
  'page.peerManager.empty.body':
    '空间管理员创建对等请求，并把邀请码发给另一个部署；对方管理员输入邀请码、设置安全并批准请求，然后激活连接。',

  'page.network.intro': '本部署如何连接其他部署：MPX 连接或文件数据中继。',
  'page.network.empty.title': '还没有网络连接',
  'page.network.empty.body':
    '在任何对等请求之前，两个部署都需要网络连接：双方管理员各自创建 MPX 邀请，并输入对方发来的邀请码；没有网络路径时则设置数据中继。',

  'page.policies.intro': '入站和出站策略：哪些部署可以访问本部署，本部署可以访问哪些部署。',

  'page.spaces.intro': '空间存放要对等的数据，每个空间都有自己的管理员。',
  'page.spaces.empty.title': '还没有可显示的空间',

  'page.settings.intro': '其他部署所看到的本部署。',
  'page.settings.noTitle.title': '还没有平台名称',
  'page.settings.noTitle.body': '对等方会看到这个名称，发起任何对等请求之前必须设置。由管理员设置。',

  'page.notFound.title': '找不到页面',
  'page.notFound.body': '这个地址没有内容。请从导航中选择一个页面。',

  'error.title.generic': '请求失败',
  'error.title.network': '无法连接 Peerlink 服务器',
  'error.requestId': '请求 ID：{id}',
  'error.reason.InvalidLogin': '用户名或密码错误',
  'error.reason.SessionExpired': '会话已过期',
  'error.reason.SessionRequired': '请先登录',
  'error.reason.PasswordTooShort': '密码太短',
  'error.code.BadRequest': '请求无效',
  'error.code.Unauthorized': '请重新登录',
  'error.code.AccessDenied': '没有权限执行此操作',
  'error.code.NoSuchObject': '未找到',
  'error.code.OperationDenied': '当前不允许此操作',
  'error.code.LimitExceeded': '已达到上限',
  'error.code.InternalError': '服务器出错',
  'error.code.ServiceUnavailable': '服务器繁忙，请重试',
  ...peerManagerZhCN,
  ...vpcZhCN,
  ...adminZhCN,
};
