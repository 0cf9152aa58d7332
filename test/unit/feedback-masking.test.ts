import { analyseFeedbackText, maskFeedbackText, maskNames } from '../../src/usecases/feedback/masking';

describe('masking personal data in feedback', () => {
  it.each([
    ['我叫张三，想问问报名', '我叫张*，想问问报名'],
    ['姓名：欧阳娜娜', '姓名：欧**娜'],
    ['联系人 李四 电话见下', '联系人 李* 电话见下'],
    ['联系人是谁？', '联系人是谁？'],
    ['没有名字的留言', '没有名字的留言'],
  ])('masks the name in %s', (input, output) => {
    expect(maskNames(input)).toBe(output);
  });

  it('stars every digit of validated phone, ID and bank card numbers, and leaves other numbers alone', () => {
    const text = '电话13812345678，身份证110101199003074514，卡号4111 1111 1111 1111，2026年共3场';
    const masked = maskFeedbackText(text);
    expect(masked).not.toMatch(/1381234|11010119900307|4111/);
    expect(masked).toContain('**** **** **** ****');
    expect(masked).toContain('***********');
    expect(masked).toContain('2026年共3场');
  });

  it('analyses the masked text and says whether anything was masked', () => {
    const a = analyseFeedbackText('  文中电话写错了，我的电话是13812345678  ');
    expect(a.text).toBe('文中电话写错了，我的电话是***********');
    expect(a.masked).toBe(true);
    expect(a.flags).toContain('error_report');
    expect(analyseFeedbackText('很好').masked).toBe(false);
  });
});
