/**
 * The portal's own words in the six languages, as one table: a row per text, the columns in
 * LANGS order (en, zh, de, fr, ru, fi). The guidance (what a failure means, what to do, the
 * issuer script) and the category names come from their own catalogs (agent/guidance, the
 * report's texts); this table holds only the portal's labels. Placeholders are {name}.
 * The language of a page: the user's choice (a cookie set from the language menu), else the
 * best of Accept-Language, else fleet.serve.language.
 */
import { LANGS, type Lang } from '../../guidance/langs.js';
import type { CaseStatus, TerminalState } from '../store/types.js';
import type { Outcome } from '../../record.js';

type Row = readonly [en: string, zh: string, de: string, fr: string, ru: string, fi: string];

const T = {
  portal: [
    'Fleet portal',
    '终端管理门户',
    'Flottenportal',
    'Portail du parc',
    'Портал терминалов',
    'Laiteportaali',
  ],
  failures: [
    'Failed payments',
    '失败的付款',
    'Fehlgeschlagene Zahlungen',
    'Paiements échoués',
    'Неуспешные платежи',
    'Epäonnistuneet maksut',
  ],
  terminals: ['Terminals', '终端', 'Terminals', 'Terminaux', 'Терминалы', 'Päätteet'],
  alertRules: [
    'Alert rules',
    '告警规则',
    'Alarmregeln',
    'Règles d’alerte',
    'Правила оповещений',
    'Hälytyssäännöt',
  ],
  signIn: ['Sign in', '登录', 'Anmelden', 'Se connecter', 'Войти', 'Kirjaudu sisään'],
  signOut: ['Sign out', '退出', 'Abmelden', 'Se déconnecter', 'Выйти', 'Kirjaudu ulos'],
  userName: [
    'User name',
    '用户名',
    'Benutzername',
    'Nom d’utilisateur',
    'Имя пользователя',
    'Käyttäjätunnus',
  ],
  password: ['Password', '密码', 'Passwort', 'Mot de passe', 'Пароль', 'Salasana'],
  badSignIn: [
    'Wrong user name or password.',
    '用户名或密码错误。',
    'Benutzername oder Passwort falsch.',
    'Nom d’utilisateur ou mot de passe incorrect.',
    'Неверное имя пользователя или пароль.',
    'Väärä käyttäjätunnus tai salasana.',
  ],
  tooMany: [
    'Too many attempts. Try again in a few minutes.',
    '尝试次数过多。请几分钟后再试。',
    'Zu viele Versuche. Bitte in einigen Minuten erneut versuchen.',
    'Trop de tentatives. Réessayez dans quelques minutes.',
    'Слишком много попыток. Повторите через несколько минут.',
    'Liian monta yritystä. Yritä muutaman minuutin kuluttua uudelleen.',
  ],
  language: ['Language', '语言', 'Sprache', 'Langue', 'Язык', 'Kieli'],
  signedInAs: [
    'Signed in as {name} ({role})',
    '已登录：{name}（{role}）',
    'Angemeldet als {name} ({role})',
    'Connecté en tant que {name} ({role})',
    'Вы вошли как {name} ({role})',
    'Kirjautuneena: {name} ({role})',
  ],
  operator: ['operator', '运营方', 'Betreiber', 'opérateur', 'оператор', 'operaattori'],
  merchant: ['merchant', '商户', 'Händler', 'commerçant', 'продавец', 'kauppias'],
  search: ['Search', '搜索', 'Suchen', 'Rechercher', 'Найти', 'Hae'],
  clear: ['Clear', '清除', 'Zurücksetzen', 'Effacer', 'Сбросить', 'Tyhjennä'],
  recordId: ['Record id', '记录编号', 'Datensatz-ID', 'Identifiant', 'ID записи', 'Tunnus'],
  rrn: ['RRN', 'RRN', 'RRN', 'RRN', 'RRN', 'RRN'],
  stan: ['STAN', 'STAN', 'STAN', 'STAN', 'STAN', 'STAN'],
  last4: [
    'Card last 4',
    '卡号后4位',
    'Letzte 4 Kartenziffern',
    '4 derniers chiffres',
    'Последние 4 цифры',
    'Kortin 4 viimeistä',
  ],
  terminal: ['Terminal', '终端', 'Terminal', 'Terminal', 'Терминал', 'Pääte'],
  fleet: ['Fleet', '终端组', 'Flotte', 'Parc', 'Парк', 'Laitekanta'],
  merchantId: ['Merchant', '商户', 'Händler', 'Commerçant', 'Продавец', 'Kauppias'],
  from: ['From', '起始', 'Von', 'Du', 'С', 'Alkaen'],
  to: ['To', '截至', 'Bis', 'Au', 'По', 'Asti'],
  category: ['Reason', '原因', 'Grund', 'Motif', 'Причина', 'Syy'],
  caseStatus: ['Case', '跟进状态', 'Fall', 'Suivi', 'Обращение', 'Tapaus'],
  any: ['any', '全部', 'alle', 'tous', 'все', 'kaikki'],
  time: ['Time', '时间', 'Zeit', 'Heure', 'Время', 'Aika'],
  amount: ['Amount', '金额', 'Betrag', 'Montant', 'Сумма', 'Summa'],
  card: ['Card', '卡', 'Karte', 'Carte', 'Карта', 'Kortti'],
  code: ['Code', '代码', 'Code', 'Code', 'Код', 'Koodi'],
  outcome: ['Outcome', '结果', 'Ergebnis', 'Issue', 'Итог', 'Lopputulos'],
  noResults: [
    'No failed payments match.',
    '没有匹配的失败付款。',
    'Keine passenden fehlgeschlagenen Zahlungen.',
    'Aucun paiement échoué ne correspond.',
    'Подходящих неуспешных платежей нет.',
    'Ei hakua vastaavia epäonnistuneita maksuja.',
  ],
  nextPage: ['Older →', '更早 →', 'Ältere →', 'Plus anciens →', 'Старше →', 'Vanhemmat →'],
  firstPage: ['← Newest', '← 最新', '← Neueste', '← Plus récents', '← Новейшие', '← Uusimmat'],
  liveNew: [
    'New failed payments arrived: {n}. Reload to see them.',
    '有 {n} 笔新的失败付款。刷新页面查看。',
    'Neue fehlgeschlagene Zahlungen: {n}. Neu laden, um sie zu sehen.',
    'Nouveaux paiements échoués : {n}. Rechargez pour les voir.',
    'Новых неуспешных платежей: {n}. Обновите страницу.',
    'Uusia epäonnistuneita maksuja: {n}. Lataa sivu uudelleen.',
  ],
  live: ['Live', '实时', 'Live', 'En direct', 'В реальном времени', 'Reaaliaikainen'],
  guidance: [
    'What it means and what to do',
    '含义与处理方法',
    'Bedeutung und nächste Schritte',
    'Signification et que faire',
    'Что это значит и что делать',
    'Mitä se tarkoittaa ja mitä tehdä',
  ],
  tellCustomer: [
    'What to tell the customer',
    '可以告诉顾客的话',
    'Was Sie der Kundschaft sagen',
    'Ce qu’il faut dire au client',
    'Что сказать покупателю',
    'Mitä kertoa asiakkaalle',
  ],
  steps: [
    'Next steps',
    '后续步骤',
    'Nächste Schritte',
    'Étapes suivantes',
    'Следующие шаги',
    'Seuraavat vaiheet',
  ],
  issuerScript: [
    'Contact-issuer script',
    '联系发卡行脚本',
    'Leitfaden für den Anruf bei der Bank',
    'Script d’appel à la banque',
    'Сценарий звонка в банк',
    'Ohje pankille soittamiseen',
  ],
  print: ['Print', '打印', 'Drucken', 'Imprimer', 'Печать', 'Tulosta'],
  details: ['Details', '详情', 'Details', 'Détails', 'Подробности', 'Tiedot'],
  timeline: ['Timeline', '时间线', 'Verlauf', 'Chronologie', 'Хронология', 'Aikajana'],
  occurred: [
    'Payment failed at the terminal',
    '终端付款失败',
    'Zahlung am Terminal fehlgeschlagen',
    'Paiement échoué au terminal',
    'Платёж не прошёл на терминале',
    'Maksu epäonnistui päätteellä',
  ],
  outcomeChanged: [
    'Outcome now: {outcome} (version {version})',
    '结果更新为：{outcome}（版本 {version}）',
    'Ergebnis jetzt: {outcome} (Version {version})',
    'Issue désormais : {outcome} (version {version})',
    'Итог теперь: {outcome} (версия {version})',
    'Lopputulos nyt: {outcome} (versio {version})',
  ],
  received: [
    'Received by the fleet server',
    '服务器已接收',
    'Vom Flottenserver empfangen',
    'Reçu par le serveur',
    'Получено сервером',
    'Palvelin vastaanotti',
  ],
  followUp: ['Follow-up case', '跟进', 'Nachverfolgung', 'Suivi', 'Работа с обращением', 'Seuranta'],
  status: ['Status', '状态', 'Status', 'Statut', 'Статус', 'Tila'],
  note: ['Note', '备注', 'Notiz', 'Note', 'Заметка', 'Muistiinpano'],
  assignee: ['Assignee', '负责人', 'Zuständig', 'Responsable', 'Ответственный', 'Vastuuhenkilö'],
  unassigned: ['(nobody)', '（无）', '(niemand)', '(personne)', '(никто)', '(ei kukaan)'],
  save: ['Save', '保存', 'Speichern', 'Enregistrer', 'Сохранить', 'Tallenna'],
  saved: ['Saved.', '已保存。', 'Gespeichert.', 'Enregistré.', 'Сохранено.', 'Tallennettu.'],
  auditTrail: [
    'Audit trail',
    '审计记录',
    'Änderungsprotokoll',
    'Historique des modifications',
    'Журнал изменений',
    'Muutosloki',
  ],
  who: ['Who', '操作人', 'Wer', 'Qui', 'Кто', 'Kuka'],
  what: ['What', '内容', 'Was', 'Quoi', 'Что', 'Mitä'],
  when: ['When', '时间', 'Wann', 'Quand', 'Когда', 'Milloin'],
  evCreated: [
    'case opened',
    '创建跟进',
    'Fall eröffnet',
    'suivi ouvert',
    'обращение открыто',
    'tapaus avattu',
  ],
  evStatus: [
    'status {old} → {new}',
    '状态 {old} → {new}',
    'Status {old} → {new}',
    'statut {old} → {new}',
    'статус {old} → {new}',
    'tila {old} → {new}',
  ],
  evAssignee: [
    'assignee {old} → {new}',
    '负责人 {old} → {new}',
    'Zuständig {old} → {new}',
    'responsable {old} → {new}',
    'ответственный {old} → {new}',
    'vastuuhenkilö {old} → {new}',
  ],
  evNote: [
    'note: {text}',
    '备注：{text}',
    'Notiz: {text}',
    'note : {text}',
    'заметка: {text}',
    'muistiinpano: {text}',
  ],
  staleCase: [
    'Someone changed this case meanwhile; your change was not saved. Here is the case as it is now.',
    '其他人已修改此跟进，您的更改未保存。以下为最新状态。',
    'Jemand hat den Fall inzwischen geändert; Ihre Änderung wurde nicht gespeichert. Hier der aktuelle Stand.',
    'Quelqu’un a modifié ce suivi entre-temps ; votre modification n’a pas été enregistrée. Voici l’état actuel.',
    'Обращение тем временем изменили; ваше изменение не сохранено. Вот текущее состояние.',
    'Joku muutti tapausta sillä välin; muutostasi ei tallennettu. Tässä tapauksen nykyinen tila.',
  ],
  state: ['State', '状态', 'Zustand', 'État', 'Состояние', 'Tila'],
  backlog: ['Backlog', '积压', 'Rückstau', 'En attente', 'Очередь', 'Jono'],
  failureRate: [
    'Failure rate',
    '失败率',
    'Fehlerquote',
    'Taux d’échec',
    'Доля отказов',
    'Epäonnistumis­osuus',
  ],
  alarms: ['Alarms', '告警', 'Alarme', 'Alarmes', 'Тревоги', 'Hälytykset'],
  lastSeen: [
    'Last seen',
    '最近在线',
    'Zuletzt gesehen',
    'Vu pour la dernière fois',
    'Последний сигнал',
    'Viimeksi nähty',
  ],
  agentVersion: [
    'Agent version',
    '代理版本',
    'Agent-Version',
    'Version de l’agent',
    'Версия агента',
    'Agentin versio',
  ],
  hostLink: ['Host link', '主机连接', 'Host-Verbindung', 'Liaison hôte', 'Связь с хостом', 'Yhteys isäntään'],
  linkUp: ['up', '正常', 'verbunden', 'active', 'есть', 'toimii'],
  linkDown: ['down', '中断', 'getrennt', 'coupée', 'нет', 'poikki'],
  linkUnknown: ['unknown', '未知', 'unbekannt', 'inconnue', 'неизвестно', 'tuntematon'],
  failuresStored: [
    'Failures stored',
    '已存失败',
    'Gespeicherte Fehler',
    'Échecs enregistrés',
    'Сохранено отказов',
    'Tallennetut virheet',
  ],
  byCategory: [
    'Failures by reason',
    '按原因统计的失败',
    'Fehler nach Grund',
    'Échecs par motif',
    'Отказы по причинам',
    'Virheet syittäin',
  ],
  noTerminals: [
    'No terminals have reported yet.',
    '尚无终端上报。',
    'Noch hat kein Terminal gemeldet.',
    'Aucun terminal ne s’est encore signalé.',
    'Терминалы ещё не выходили на связь.',
    'Yksikään pääte ei ole vielä raportoinut.',
  ],
  rule: ['Rule', '规则', 'Regel', 'Règle', 'Правило', 'Sääntö'],
  kind: ['Kind', '类型', 'Art', 'Type', 'Тип', 'Laji'],
  enabled: ['Enabled', '启用', 'Aktiv', 'Active', 'Включено', 'Käytössä'],
  source: ['Source', '来源', 'Quelle', 'Source', 'Источник', 'Lähde'],
  edit: ['Edit', '编辑', 'Bearbeiten', 'Modifier', 'Изменить', 'Muokkaa'],
  newRule: ['New rule', '新建规则', 'Neue Regel', 'Nouvelle règle', 'Новое правило', 'Uusi sääntö'],
  ruleJson: [
    'The rule as JSON',
    '规则（JSON）',
    'Die Regel als JSON',
    'La règle en JSON',
    'Правило в формате JSON',
    'Sääntö JSON-muodossa',
  ],
  ruleHelp: [
    'Kinds: failure, decline_rate, terminal_offline, backlog. The schema is below; a rule from the config file is replaced at the next start.',
    '类型：failure、decline_rate、terminal_offline、backlog。格式见下方；来自配置文件的规则会在下次启动时被替换。',
    'Arten: failure, decline_rate, terminal_offline, backlog. Das Schema steht unten; eine Regel aus der Konfigurationsdatei wird beim nächsten Start ersetzt.',
    'Types : failure, decline_rate, terminal_offline, backlog. Le schéma est ci-dessous ; une règle du fichier de configuration est remplacée au prochain démarrage.',
    'Типы: failure, decline_rate, terminal_offline, backlog. Схема ниже; правило из файла конфигурации заменяется при следующем запуске.',
    'Lajit: failure, decline_rate, terminal_offline, backlog. Skeema on alla; asetustiedoston sääntö korvataan seuraavassa käynnistyksessä.',
  ],
  delete: ['Delete', '删除', 'Löschen', 'Supprimer', 'Удалить', 'Poista'],
  schema: ['JSON Schema', 'JSON 模式', 'JSON-Schema', 'Schéma JSON', 'JSON-схема', 'JSON-skeema'],
  noRules: [
    'No alert rules yet.',
    '尚无告警规则。',
    'Noch keine Alarmregeln.',
    'Aucune règle d’alerte.',
    'Правил оповещений пока нет.',
    'Ei vielä hälytyssääntöjä.',
  ],
  notFound: ['Not found.', '未找到。', 'Nicht gefunden.', 'Introuvable.', 'Не найдено.', 'Ei löytynyt.'],
  forbidden: [
    'Not yours, or not there.',
    '无权访问或不存在。',
    'Nicht Ihres oder nicht vorhanden.',
    'Pas à vous, ou inexistant.',
    'Нет доступа или не существует.',
    'Ei sinun tai ei olemassa.',
  ],
  csrf: [
    'The form has expired. Reload the page and try again.',
    '表单已过期。请刷新页面后重试。',
    'Das Formular ist abgelaufen. Seite neu laden und erneut versuchen.',
    'Le formulaire a expiré. Rechargez la page et réessayez.',
    'Форма устарела. Обновите страницу и повторите.',
    'Lomake on vanhentunut. Lataa sivu uudelleen ja yritä uudestaan.',
  ],
  badInput: [
    'Not accepted: {reason}',
    '未接受：{reason}',
    'Nicht angenommen: {reason}',
    'Refusé : {reason}',
    'Не принято: {reason}',
    'Ei hyväksytty: {reason}',
  ],
  tooLarge: [
    'The request is too large.',
    '请求过大。',
    'Die Anfrage ist zu groß.',
    'La requête est trop volumineuse.',
    'Запрос слишком велик.',
    'Pyyntö on liian suuri.',
  ],
  back: ['Back', '返回', 'Zurück', 'Retour', 'Назад', 'Takaisin'],
} as const satisfies Record<string, Row>;

export type TextKey = keyof typeof T;

/** Case statuses, outcomes and terminal states in the six languages: one row each. */
const CASE: Record<CaseStatus, Row> = {
  open: ['open', '待处理', 'offen', 'ouvert', 'открыто', 'avoin'],
  customer_contacted: [
    'customer contacted',
    '已联系顾客',
    'Kunde kontaktiert',
    'client contacté',
    'покупатель уведомлён',
    'asiakkaaseen otettu yhteyttä',
  ],
  issuer_contacted: [
    'issuer contacted',
    '已联系发卡行',
    'Bank kontaktiert',
    'banque contactée',
    'банк уведомлён',
    'pankkiin otettu yhteyttä',
  ],
  resolved: ['resolved', '已解决', 'erledigt', 'résolu', 'решено', 'ratkaistu'],
  recovered: ['recovered', '已挽回', 'zurückgewonnen', 'récupéré', 'оплачено позже', 'saatu perittyä'],
  written_off: ['written off', '已核销', 'abgeschrieben', 'passé en perte', 'списано', 'kirjattu tappioksi'],
};

const OUTCOME: Record<Outcome, Row> = {
  declined: ['declined', '被拒绝', 'abgelehnt', 'refusé', 'отклонён', 'hylätty'],
  timed_out: ['timed out', '超时', 'Zeitüberschreitung', 'délai dépassé', 'тайм-аут', 'aikakatkaisu'],
  reversal_sent: [
    'reversal sent',
    '已发送冲正',
    'Storno gesendet',
    'annulation envoyée',
    'отмена отправлена',
    'peruutus lähetetty',
  ],
  reversed: ['reversed', '已冲正', 'storniert', 'annulé', 'отменён', 'peruttu'],
  reversal_failed: [
    'reversal failed',
    '冲正失败',
    'Storno fehlgeschlagen',
    'annulation échouée',
    'отмена не удалась',
    'peruutus epäonnistui',
  ],
  approved_late: [
    'approved late',
    '延迟批准',
    'verspätet genehmigt',
    'approuvé en retard',
    'одобрен с опозданием',
    'hyväksytty myöhässä',
  ],
  possible_double_charge: [
    'possible double charge',
    '可能重复扣款',
    'mögliche Doppelbelastung',
    'double débit possible',
    'возможно двойное списание',
    'mahdollinen kaksoisveloitus',
  ],
  recovered: ['recovered', '已挽回', 'zurückgewonnen', 'récupéré', 'оплачено позже', 'saatu perittyä'],
  written_off: ['written off', '已核销', 'abgeschrieben', 'passé en perte', 'списано', 'kirjattu tappioksi'],
};

const STATE: Record<TerminalState, Row> = {
  online: ['online', '在线', 'online', 'en ligne', 'в сети', 'verkossa'],
  offline: ['offline', '离线', 'offline', 'hors ligne', 'не в сети', 'ei verkossa'],
  silent: ['silent', '无响应', 'stumm', 'muet', 'молчит', 'hiljaa'],
  unknown: ['unknown', '未知', 'unbekannt', 'inconnu', 'неизвестно', 'tuntematon'],
};

/** BCP 47 tags for number and date formatting. */
const LOCALE: Record<Lang, string> = {
  en: 'en-GB',
  zh: 'zh-CN',
  de: 'de-DE',
  fr: 'fr-FR',
  ru: 'ru-RU',
  fi: 'fi-FI',
};

const col = (lang: Lang) => LANGS.indexOf(lang);

function fill(s: string, values: Record<string, string | number>): string {
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

/** The portal's texts in one language. */
export interface Texts {
  lang: Lang;
  locale: string;
  t(key: TextKey, values?: Record<string, string | number>): string;
  caseStatus(s: CaseStatus): string;
  outcome(o: Outcome): string;
  state(s: TerminalState): string;
}

const cache = new Map<Lang, Texts>();

export function texts(lang: Lang): Texts {
  let x = cache.get(lang);
  if (!x) {
    const i = col(lang);
    x = {
      lang,
      locale: LOCALE[lang],
      t: (key, values) => fill(T[key][i]!, values ?? {}),
      caseStatus: (s) => CASE[s][i]!,
      outcome: (o) => OUTCOME[o]?.[i] ?? o,
      state: (s) => STATE[s][i]!,
    };
    cache.set(lang, x);
  }
  return x;
}

/** Every key with its six texts (tests check none is empty). */
export function allRows(): Array<[string, Row]> {
  return [
    ...Object.entries(T),
    ...Object.entries(CASE).map(([k, v]) => [`case.${k}`, v] as [string, Row]),
    ...Object.entries(OUTCOME).map(([k, v]) => [`outcome.${k}`, v] as [string, Row]),
    ...Object.entries(STATE).map(([k, v]) => [`state.${k}`, v] as [string, Row]),
  ];
}

/**
 * The language of a request: the user's choice if it is one of ours, else the first of
 * Accept-Language (by q) whose primary tag is one of ours, else `fallback`.
 */
export function pickLang(
  choice: string | undefined,
  acceptLanguage: string | undefined,
  fallback: Lang,
): Lang {
  if (choice && (LANGS as readonly string[]).includes(choice)) return choice as Lang;
  if (acceptLanguage) {
    const prefs = acceptLanguage
      .split(',')
      .slice(0, 20)
      .map((part, idx) => {
        const [tag = '', ...params] = part.trim().split(';');
        const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
        return { tag: tag.toLowerCase().split('-')[0]!, q: q === undefined ? 1 : Number(q), idx };
      })
      .filter((p) => p.q > 0 && (LANGS as readonly string[]).includes(p.tag))
      .sort((a, b) => b.q - a.q || a.idx - b.idx);
    if (prefs[0]) return prefs[0].tag as Lang;
  }
  return fallback;
}
